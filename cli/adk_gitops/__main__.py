from adk_gitops.entry import main

main()
