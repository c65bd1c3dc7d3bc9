# ARGS: --only nothere,f
def f(x: int) -> int:
    return x

# ERRORS:
# -: --only: no top-level function named 'nothere' in this file
