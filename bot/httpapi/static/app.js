// qualbot
