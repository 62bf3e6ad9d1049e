// go-cgo: CGO_ENABLED=1, imports "C", linked externally by gcc; dynamic, NEEDED libc.so.6.
package main

/*
#include <stdio.h>
static void hello(void) { puts("hello from go-cgo"); }
*/
import "C"

func main() {
	C.hello()
}
