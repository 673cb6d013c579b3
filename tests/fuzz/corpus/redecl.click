a :: Idle; a :: Idle; b -> a; input -> output; 1 :: Idle; define(x 1, $y 1, $y 2);
