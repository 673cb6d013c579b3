elementclass F {
  input -> output;
a :: Idle; a -> Counter(1, (2, "3)
