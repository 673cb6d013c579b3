a, b :: Queue(10);
a -> b;
Idle -> a; b -> Discard
