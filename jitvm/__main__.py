from jitvm.cli import main

main()
