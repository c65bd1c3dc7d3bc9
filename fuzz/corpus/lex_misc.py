x = 1;
@decorator
def f(): return
class C(B, metaclass=M): pass
print(f"{x=}", end="")
async def g():
    await h()
    async with a as b:
        yield
