x = "é"
# -*- coding: utf-8 -*-
