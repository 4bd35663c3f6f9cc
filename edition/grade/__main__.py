import sys

from edition.grade import main

sys.exit(main())
