// lpm.click -- tenant "lpm" of confs/demo.click: an IPv4 + IPv6 router with
// a full Internet table (about 902k IPv4 and 160k IPv6 prefixes).
//
// One interface: frames arrive on input[0] and leave on [0]output, towards
// the shared uplink.  IPv4 is checked, looked up in DIR-24-8
// (DirectIPLookup), its TTL decremented; IPv6 is checked, looked up in the
// Poptrie-style LookupIP6Route, its hop limit decremented.  The route files
// routes4.txt and routes6.txt (PREFIX [GATEWAY] PORT, one a line) are made
// by tools/demo.sh from ../shared/data/prefixes/bart__prefixes.txt.gz, with
// a default route each; the gateway goes into the destination annotation.
// Everything else (ARP, other EtherTypes, malformed headers, expired TTLs)
// is dropped and counted by reason.

input -> cl :: Classifier(12/0800, 12/86dd, -);

cl[0] -> Strip(14) -> CheckIPHeader -> rt :: DirectIPLookup(FILE routes4.txt)
	-> ttl :: DecIPTTL -> Unstrip(14) -> out :: Counter -> [0]output;
ttl[1] -> expired :: Counter -> Discard;

cl[1] -> Strip(14) -> CheckIP6Header -> rt6 :: LookupIP6Route(FILE routes6.txt)
	-> hlim :: DecIP6HLIM -> Unstrip(14) -> out;
hlim[1] -> expired;

cl[2] -> other :: Counter -> Discard;
