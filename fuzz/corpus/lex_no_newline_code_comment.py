if x:
    y = 1  # comment