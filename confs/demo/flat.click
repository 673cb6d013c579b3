// flat.click -- tenant "flat" of confs/demo.click: a flat-address node.
//
// Frames carry the flat header (EtherType 0x88B6, see cabo-flat(7)) with
// 160-bit destination ids; FlatLookup finds each id, by exact match, in
// confs/flat-ids.txt (shipped; tools/demo.sh copies it next to the run).
// Table outputs 0 and 1 (the ids behind this node's two links in
// confs/flatnode.click) both leave by the uplink here; output 2 (ids of
// this node itself) is delivered locally, and misses are counted drops.

input -> cl :: Classifier(12/88b6, -);
cl[0] -> Strip(14) -> chk :: CheckFlatHeader -> dh :: DecFlatHLIM
	-> fl :: FlatLookup(FILE flat-ids.txt, MISS drop);
fl[0] -> up :: Unstrip(14) -> out :: Counter -> [0]output;
fl[1] -> up;
fl[2] -> local :: Counter -> Discard;
cl[1] -> other :: Counter -> Discard;
