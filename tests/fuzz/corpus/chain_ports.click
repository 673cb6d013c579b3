a :: Tee(2);
Idle -> a;
a [1] -> [0] Discard;
a[0] -> Print("x") -> Discard;
