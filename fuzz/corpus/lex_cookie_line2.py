#!/usr/bin/env python
# vim: set fileencoding=iso-8859-1 :
é = 1
