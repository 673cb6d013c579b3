c :: Classifier(12/0800, -);
c [0,1] => Paint(1), Paint(2) -> d :: Discard;
s, t :: Idle; s, t -> d; Idle => Discard, Discard;
