0 1 00 0_0 0777 123_456 1_000_000
0x1F 0XdeadBEEF 0x_1f 0o17 0O7_7 0b1010 0B1_0 0x 0b2 0o8
1.5 1. .5 1e10 1E-5 1e+5 1.5e3 .5e-2 1_0.2_5e1_0 1__0 1_
1j 1J 1.5j .5j 1e5j 1.e5J 0j 00j 012j
1if 1else 0x1for 1.real 1..2 1...2
1.e 1ej 1e 1e+ 0xg
