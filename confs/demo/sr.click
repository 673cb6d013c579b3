// sr.click -- tenant "sr" of confs/demo.click: a source-routing node.
//
// Frames carry the Cabo source-route header (EtherType 0x88B5, see
// cabo-srcroute(7)) that the sender wrote (tools/demo.sh makes them with
// confs/srsender.click).  SRForward checks the header, takes the next hop
// and sends the frame out of the port it names: hop 0 is this node's
// uplink (the shared link).  Routes that end here are delivered locally
// (counted); malformed routes are dropped by reason.

input -> cl :: Classifier(12/88b5, -);
cl[0] -> sr :: SRForward(ARRIVED 1, OFFSET 14) -> out :: Counter -> [0]output;
sr[1] -> arrived :: Counter -> Discard;
cl[1] -> other :: Counter -> Discard;
