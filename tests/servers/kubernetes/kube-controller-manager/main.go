// A kube-controller-manager built from the k8s.io/kubernetes module, for tests
// only: the Job controller's own pods and events (FailedCreate) are real.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
