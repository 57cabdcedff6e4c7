from loaders.synthetic.bank import main

main()
