Idle -> { input -> Counter -> output } -> { input -> output } -> Discard;
