require(package "x", fast, library nosuch.click);
require(a b c);
