from adk_gitops.commands.app import main

main()
