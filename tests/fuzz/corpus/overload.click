elementclass Q { input -> Queue -> output || $c | input -> Queue($c) -> output || ... }
Idle -> Q -> Q(3) -> Q(1, 2) -> Discard;
