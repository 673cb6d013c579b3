// bench: InfiniteSource(64B flat) -> Strip -> CheckFlatHeader -> DecFlatHLIM -> FlatLookup(8)
// count: d.count
// reference: none (no Click equivalent)
// A 64-byte frame: Ethernet, a flat header (cabo-flat(7)) from 10.0.0.1 to
// 10.0.0.2 (IPv4-derived ids), 2 bytes of payload.  The table holds 8 ids;
// tables of millions are measured by tests/bench/flat.c (lookups/s).
InfiniteSource(DATA \<00 11 22 33 44 55 00 66 77 88 99 aa 88 b6
	10 40 3b 00 00 02 00 00
	00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 0a 00 00 02
	00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 0a 00 00 01
	00 00>, LIMIT 100000000, BURST 32, TIMESTAMP false, STOP true)
	-> Strip(14) -> CheckFlatHeader -> DecFlatHLIM
	-> fl :: FlatLookup(10.0.0.1 1, 10.0.0.2 0, 10.0.0.3 1, 10.0.0.4 1,
		10.0.0.5 1, 10.0.0.6 1, 10.0.0.7 1, 10.0.0.8 1, MISS 1)
	-> d :: Discard;
fl[1] -> Discard;
