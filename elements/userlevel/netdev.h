/* Linux packet sockets (AF_PACKET, SOCK_RAW) for FromDevice and ToDevice.
 *
 * A socket is opened with protocol 0, so it receives nothing until it is
 * bound: options (BPF filter, ignoring outgoing frames) are set before the
 * first packet can arrive.  Errors go to errh prefixed with the device name
 * (`eth9: no such device'); the caller is in its initialize, so the router
 * adds "While initializing 'x :: Class':". */
#ifndef CABO_ELEMENTS_USERLEVEL_NETDEV_H
#define CABO_ELEMENTS_USERLEVEL_NETDEV_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "errh.h"

/* Checks DEVNAME at configure time (no privileges needed). */
static inline const char *cabo_netdev_check_name(const char *name)
{
	if (!name[0])
		return "DEVNAME: empty device name";
	if (strlen(name) >= IFNAMSIZ)
		return "DEVNAME: device name too long";
	return NULL;
}

static inline int cabo_netdev_errno(struct cabo_errh *errh, const char *dev,
				    const char *what, int err)
{
	if (err == EPERM || err == EACCES)
		return cabo_errh_error(errh, "%s: %s: %s (live devices need root or CAP_NET_RAW)",
				       dev, what, strerror(err));
	return cabo_errh_error(errh, "%s: %s: %s", dev, what, strerror(err));
}

/* Opens an unbound, non-blocking packet socket for device `dev'.  Sets
 * *ifindex and *dlt (DLT_EN10MB for Ethernet-like devices, DLT_RAW for
 * devices without a link-layer header such as tun).  Returns the descriptor,
 * or -1 after reporting to errh. */
static inline int cabo_netdev_open(const char *dev, struct cabo_errh *errh,
				   int *ifindex, int *dlt)
{
	unsigned index = if_nametoindex(dev);
	if (!index)
		return errno == ENODEV || errno == ENXIO
			? cabo_errh_error(errh, "%s: no such device", dev)
			: cabo_netdev_errno(errh, dev, "if_nametoindex", errno);
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cabo_netdev_errno(errh, dev, "socket", errno);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, dev, strlen(dev));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		int err = errno;
		close(fd);
		if (err == ENODEV)
			return cabo_errh_error(errh, "%s: no such device", dev);
		return cabo_netdev_errno(errh, dev, "SIOCGIFHWADDR", err);
	}
	switch (ifr.ifr_hwaddr.sa_family) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		*dlt = DLT_EN10MB;
		break;
	case ARPHRD_NONE:
		*dlt = DLT_RAW;
		break;
	default:
		close(fd);
		return cabo_errh_error(errh, "%s: unsupported link type (ARPHRD %u)", dev,
				       (unsigned)ifr.ifr_hwaddr.sa_family);
	}
	*ifindex = (int)index;
	return fd;
}

/* Binds fd to the device: from now on it receives frames of `protocol'
 * (host order; ETH_P_ALL for all, 0 for none). */
static inline int cabo_netdev_bind(int fd, const char *dev, int ifindex, uint16_t protocol,
				   struct cabo_errh *errh)
{
	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(protocol);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		return cabo_netdev_errno(errh, dev, "bind", errno);
	return 0;
}

#endif
