# Spans: one-line compounds, semicolons, continuation lines, comments, non-ASCII.
from pyjitc import native


@native
def layout(a: int, b: int) -> int:  # trailing comment
    if a: return b
    while a: a -= 1; b += 1
    for i in range(3): b += i
    x = (a +
         b) * \
        2
    s = "é"; t = a  # columns count characters
    y = f(a,
          b,
          k=a)

    # a comment line between statements

    return x + y
