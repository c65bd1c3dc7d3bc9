class A:
    class B:
        class C:
            def f(self):
                if x:
                    while y:
                        for z in w:
                            pass
x = 1
