# 10 "other.click"
a :: Idle;
#line 3
a -> b;
#bogus
