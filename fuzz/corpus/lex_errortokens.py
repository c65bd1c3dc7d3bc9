a = $b ? c
d = !e
f = `g`
h = 5 \ 6
i = 'unterminated
j = "also
k = rb'x
€ = 1
l = 1  2
