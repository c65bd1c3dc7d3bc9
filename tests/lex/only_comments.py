# one
# two

   # three
