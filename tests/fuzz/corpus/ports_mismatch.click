elementclass F { input -> Counter -> output; input [1] -> Discard }
f :: F; Idle -> [2] f; f [1] -> Discard; a, b -> c, d; a => c, d, e;
