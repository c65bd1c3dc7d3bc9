x = 1y = 2
z = 3
# cd
w = 4  # ef
