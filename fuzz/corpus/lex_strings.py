a = 'single' "double" '''triple''' """triple"""
b = r'raw\n' R"RAW" b'bytes' B"BYTES" u'uni' U"UNI" f'{x}' F"{y!r:>10}"
c = rb'x' Rb'x' rB'x' RB'x' br'x' bR'x' Br'x' BR'x'
d = fr'x' Fr'x' fR'x' FR'x' rf'x' rF'x' Rf'x' RF'x'
e = rb'''raw bytes
triple''' + f"""{
x
}"""
g = 'escaped \' quote' "escaped \" quote"
h = 'continued \
string' + "another \
one \
more"
i = """has ''' inside""" '''has """ inside'''
j = """ends with quote\""""
k = ub'x' ur'x' bu'x' fb'x'
l = ''.join([""])
m = f'{a["x"]}' f"{'nested'}"
n = """
    indented \
  lines
"""
o = '''a''''b'
p = """x"""""
q = '\\' "\\\\"
