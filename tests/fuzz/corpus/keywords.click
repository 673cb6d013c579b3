elementclass S { $n, COUNT $c, __REST__ $r | InfiniteSource($n, $c, $r) -> output }
s :: S(1, COUNT 2, 3, X 4) -> Discard;
