// Command argocd is one binary for the three Argo CD components a sync needs,
// chosen as Argo CD's own image chooses them: by ARGOCD_BINARY_NAME, else by
// the name it was started under (argv[0]).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	// Argo CD's util/grpc/srvworkaround.go expects grpclb's init to have
	// registered its balancer; the full argocd binary links it through components
	// left out here, and without it the binary panics at start.
	_ "google.golang.org/grpc/balancer/grpclb"

	controller "github.com/argoproj/argo-cd/v3/cmd/argocd-application-controller/commands"
	askpass "github.com/argoproj/argo-cd/v3/cmd/argocd-git-ask-pass/commands"
	reposerver "github.com/argoproj/argo-cd/v3/cmd/argocd-repo-server/commands"
	"github.com/argoproj/argo-cd/v3/common"
	"github.com/argoproj/argo-cd/v3/util/grpc"
)

func command(name string) (*cobra.Command, error) {
	switch name {
	case common.CommandApplicationController:
		return controller.NewCommand(), nil
	case common.CommandRepoServer:
		return reposerver.NewCommand(), nil
	case common.CommandGitAskPass:
		return askpass.NewCommand(), nil
	}
	return nil, fmt.Errorf("unknown component %q: start as %s, %s or %s", name,
		common.CommandApplicationController, common.CommandRepoServer, common.CommandGitAskPass)
}

func main() {
	grpc.DisableSRVLookups() // as Argo CD's own main does
	name := os.Getenv("ARGOCD_BINARY_NAME")
	if name == "" {
		name = filepath.Base(os.Args[0])
	}
	cmd, err := command(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
