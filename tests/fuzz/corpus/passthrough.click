elementclass P { input -> output }
elementclass P2 { input -> P -> P -> output }
Idle -> P2 -> P -> c :: P -> Discard; c -> c;
