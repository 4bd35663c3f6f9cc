"""`python -m edition.data` (make validate): check data/, one line per problem."""
import sys

from edition.data.validate import main

sys.exit(main())
