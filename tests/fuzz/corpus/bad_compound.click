elementclass F { $a $b, A $c, $d, A $e | x -> input; output -> y; input [2] -> output }
F :: F; Idle -> F(1,2,3) -> Discard;
