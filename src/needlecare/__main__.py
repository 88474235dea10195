from needlecare.cli import main

main()
