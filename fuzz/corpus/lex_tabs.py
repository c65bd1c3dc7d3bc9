if x:
	if y:
		pass
	else:
	    z = 1
  	    w = 2
			# deep tab comment
q = 3
if a:
    b = 1
      c = 2
