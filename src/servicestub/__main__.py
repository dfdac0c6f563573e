from servicestub.cli import main

main()
