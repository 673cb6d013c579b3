// bench: InfiniteSource -> Queue(1000) -> Unqueue -> Discard
// count: d.count
// reference: Click 69 Mpps, FastClick 86 Mpps
InfiniteSource(LENGTH 64, LIMIT 100000000, BURST 32, TIMESTAMP false, STOP true)
	-> Queue(1000) -> Unqueue(BURST 32) -> d :: Discard;
