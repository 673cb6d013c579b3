elementclass MyQ Queue;
elementclass Q2 { input -> MyQ -> output }
elementclass Q3 Q2;
Idle -> Q3 -> Discard;
