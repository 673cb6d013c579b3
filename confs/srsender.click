// srsender.click -- source-routes a capture, for confs/srnode.click.
//
// The sender of a tenant that forwards by source routing: it reads the
// Ethernet frames of a capture and writes each of them with a Cabo
// source-route header (cabo-srcroute(7)) listing $HOPS, the output port
// each node on the way takes.  The header goes between the Ethernet header
// and the payload, the frame's EtherType becomes 0x88B5 and the old one is
// kept in the header's Next Header field, so any frame can be routed.
//
//   cabo confs/srsender.click IN=capture.pcap OUT=routed.pcap HOPS="1 1"
//
// Give routed.pcap to the first srnode.click as its IN0.  With srnode's
// ports (hop 0 = eth0, hop 1 = eth1), "1 1" crosses two nodes from eth0 to
// eth1 and arrives at the third, which gives back capture.pcap's frames.
//
// The hop limit starts at the number of hops: a node that finds fewer hops
// allowed than left to take drops the frame, so a route set back by a buggy
// node dies at the next one.  (SRHeaderEncap's HOP_LIMIT keyword gives
// more slack.)
//
// After a run: enc.count, frames routed.

define(
	$IN in.pcap,                    // the capture to send
	$OUT routed.pcap,               // the frames, source-routed
	$HOPS 1 1,                      // the route: one output port per node
	$TIMING false                   // true: keep the capture's pace
)

FromDump($IN, TIMING $TIMING, STOP true)
	-> enc :: SRHeaderEncap(HOPS $HOPS, ETHER true)
	-> ToDump($OUT);
