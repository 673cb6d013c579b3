define($DEV eth0, $N 3, $M "$N x");
Print($DEV, "$M", '$N', ${N}0, ${Z-d}) -> Discard;
