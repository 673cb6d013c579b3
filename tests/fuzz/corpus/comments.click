/* block
 comment */ a :: Idle // line
; a -> Print(/* in */ "a//b", '/*', \<48 /* c */ 49>) -> Discard;
