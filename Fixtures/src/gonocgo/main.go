// go-nocgo: CGO_ENABLED=0, static, carries .go.buildinfo.
package main

import "os"

func main() {
	os.Stdout.WriteString("hello from go-nocgo\n")
}
