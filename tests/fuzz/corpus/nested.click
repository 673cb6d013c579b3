elementclass O { $x | define($y $x$x); elementclass I { $z | input -> Paint($x, $y, $z) -> output } input -> I(1) -> I(2) -> output }
Idle -> O(5) -> Discard;
