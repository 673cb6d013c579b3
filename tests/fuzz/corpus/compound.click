elementclass Shaped { $rate |
  input -> q :: Queue -> s :: Shaper($rate) -> output;
  input [1] -> q;
}
Idle -> sh :: Shaped(1000) -> Discard;
Idle -> [1] sh;
