x = [
    1, 2,
    # comment in list
    (3,
       4),

    {5: [6,
  7]}]
def f(a,
      b):
    return g(a)(
        b)[
  0]
