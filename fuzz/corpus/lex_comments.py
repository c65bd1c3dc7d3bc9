# top
    # indented comment at top level
x = 1  # trailing
if x:
    # inside block
        # deeper
    y = 2
# dedented comment
    # re-indented
    z = 3
  # odd indent
w = 4
#
