a :: Idle;
a [x] -> [ -> b;
[1] a -> Discard [2];
a -> [1];
