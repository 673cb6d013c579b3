// bench: InfiniteSource(64B UDP) -> Strip(14) -> CheckIPHeader -> Discard
// count: d.count
// reference: Click 50 Mpps, FastClick 81 Mpps
InfiniteSource(DATA \<00 11 22 33 44 55 00 66 77 88 99 aa 08 00
	45 00 00 32 00 00 40 00 40 11 26 b9 0a 00 00 01 0a 00 00 02
	04 00 04 01 00 1e 00 00 00 00 00 00 00 00 00 00 00 00 00 00
	00 00 00 00 00 00 00 00 00 00>, LIMIT 100000000, BURST 32, TIMESTAMP false, STOP true)
	-> Strip(14) -> CheckIPHeader -> d :: Discard;
